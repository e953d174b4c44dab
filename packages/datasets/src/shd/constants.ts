/** SHD's cochlea model has 700 channels. */
export const SHD_CHANNELS = 700;
/** SHD's 20 classes: digits 0–9 in two languages. */
export const SHD_CLASSES = 20;
/** Window used for SHD in the EventProp work (T = 1.4 s); the recordings fit in it. */
export const SHD_DURATION = 1400;
