// Side effect: registers every tfjs-core gradient exactly once per process (module caching
// makes repeated imports free). Must sit at the top level of src/ so that the relative path
// resolves to ../generated from both src/ (tests) and dist/ (published build).
import '../generated/register-all-gradients.js';
