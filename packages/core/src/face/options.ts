/** Face-mode options of `stylize()` (see the face module). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface FaceOptions {}
