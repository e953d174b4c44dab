// Side effect: registers every tfjs-core gradient exactly once per process (module caching
// makes repeated imports free). Must sit at the top level of src/ so that the relative path
// resolves to ../generated from both src/ (tests) and dist/ (published build).
//
// tfjs-core itself must load first: the bundle carries its own copy of the Tensor class, and
// whichever copy loads first becomes the global Tensor class, so loading the bundle first
// would leave tensors without their chained methods (`t.cast`, ...).
import '@tensorflow/tfjs-core';
import '../generated/register-all-gradients.js';
