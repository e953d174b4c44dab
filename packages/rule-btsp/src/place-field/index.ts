// The place-field part of the package; filled in by its own modules.
export {};
