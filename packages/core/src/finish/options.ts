/** Finishing options of `stylize()`: colour and upscale (see the finish module). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface FinishOptions {}
