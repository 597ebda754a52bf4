import type { ProgressEvent } from "anime2d";

/** What a card shows for one progress event: a bar fraction (0..1) and a line of text. */
export interface ProgressView {
  fraction: number;
  text: string;
}

/**
 * Maps pipeline events to one bar that only moves forward. Each stage owns a band of the bar
 * and fills it from the real counts the library reports: bytes for downloads, `done/total` for
 * tiles and faces. Several model downloads (style, face detector, upscaler) share the first band.
 */
export function progressTracker(): (event: ProgressEvent) => ProgressView {
  let shown = 0;
  const band = (from: number, to: number, part = 0) => from + (to - from) * Math.min(1, Math.max(0, part));
  return (event) => {
    const [fraction, text] = view(event, band);
    shown = Math.max(shown, fraction);
    return { fraction: shown, text };
  };
}

function view(e: ProgressEvent, band: (from: number, to: number, part?: number) => number): [number, string] {
  const count = e.done !== undefined && e.total ? `${e.done}/${e.total}` : "";
  switch (e.stage) {
    case "download":
      return [band(0.02, 0.3, e.progress), `Downloading ${e.model ?? "the model"}… ${e.progress !== undefined ? Math.round(e.progress * 100) + "%" : ""}`];
    case "load-model":
      return [0.3, `Preparing ${e.model ?? "the model"}…`];
    case "decode":
      return [0.32, "Reading the photo…"];
    case "detect":
      return [0.34, "Looking for faces…"];
    case "inference":
      return [band(0.36, 0.8, e.progress), e.progress === 1 ? "Painted." : "Painting in anime style…"];
    case "tile":
      return [band(0.36, 0.8, e.done !== undefined && e.total ? e.done / e.total : e.progress), `Painting tile ${count}…`];
    case "background":
      return [0.36, "Painting the background…"];
    case "face":
      return [band(0.8, 0.88, e.done !== undefined && e.total ? e.done / e.total : 0), `Painting face ${count}…`];
    case "blend":
      return [0.88, "Blending faces in…"];
    case "color":
      return [0.9, "Matching colours…"];
    case "upscale":
      return [band(0.9, 0.98, e.progress), "Upscaling 2×…"];
    case "done":
      return [1, "Done"];
    default:
      return [0, `${e.stage}…`];
  }
}
