/** Pipeline stages reported through `onProgress`. */
export type ProgressStage =
  | "download"
  | "load-model"
  | "decode"
  | "inference"
  | "tile"
  | "detect"
  | "face"
  | "background"
  | "blend"
  | "upscale"
  | "color"
  | "encode"
  | "done";

/** One progress report. `progress` is 0..1 within the stage when known. */
export interface ProgressEvent {
  stage: ProgressStage;
  /** Model id the stage works with, when there is one. */
  model?: string;
  progress?: number;
  /** Units done / total (tiles, faces, bytes). */
  done?: number;
  total?: number;
  /** Bytes, for downloads. */
  loaded?: number;
  url?: string;
}

/** Receives {@link ProgressEvent}s; exceptions thrown by it are ignored. */
export type ProgressCallback = (event: ProgressEvent) => void;

/** Calls a user's progress callback without letting its errors break the pipeline. */
export function reporter(callback: ProgressCallback | undefined): ProgressCallback {
  if (!callback) return () => {};
  return (event) => {
    try {
      callback(event);
    } catch {
      // A throwing progress handler must not abort the user's work.
    }
  };
}
