// Side effect: registers tfjs-core's gradients once (bare tfjs-core registers none).
import './gradients.js';

export * from './base.js';
