// The demo page: pick a style, drop photos, fine-tune (strength, faces or avatar, 2× HD),
// download. Panels live in their own modules; this file wires them to one stylizer.
import { createStylizer, env, isAnime2dError, type StyleInfo } from "anime2d";
import { readOptions, wireOptions } from "./options-panel.js";
import { createPhotoCard, type PhotoCard } from "./photo-card.js";
import { progressTracker } from "./progress.js";
import { renderStylesPanel } from "./styles-panel.js";
import "./style.css";

// Models come from the page's host (`models/`), or from `?models=<url>`. ONNX Runtime's wasm
// comes from the bundle's own asset URLs.
const params = new URLSearchParams(location.search);
env.modelDir = new URL(params.get("models") ?? "models/", document.baseURI).href;

// Inference runs in a worker, so the page keeps painting while a photo is stylized.
const stylizer = createStylizer({ worker: true });

interface Photo {
  file: File;
  card: PhotoCard;
  afterUrl?: string;
  job?: AbortController;
}

const $ = (id: string) => document.getElementById(id)!;
const photos: Photo[] = [];
let style: StyleInfo | undefined;
let queue = Promise.resolve();

renderStylesPanel($("styles"), $("licence"), (picked) => {
  style = picked;
  restyleAll();
});
wireOptions(restyleAll);
wireDrop();
// Live camera mode lives in its own module (and chunk).
void import("./camera.js").then((camera) => camera.mountCamera($("camera")));
stylizer.runtimeInfo().then((info) => ($("runtime").textContent = ` · ${info.backend}, ${info.threads} thread${info.threads > 1 ? "s" : ""}`));

function wireDrop(): void {
  const drop = $("drop");
  $("files").addEventListener("change", (e) => addPhotos((e.target as HTMLInputElement).files));
  drop.addEventListener("dragover", (e) => (e.preventDefault(), drop.classList.add("over")));
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    addPhotos(e.dataTransfer?.files ?? null);
  });
}

function addPhotos(files: FileList | null): void {
  for (const file of Array.from(files ?? [])) {
    if (!file.type.startsWith("image/")) continue;
    const photo: Photo = { file, card: createPhotoCard(file, URL.createObjectURL(file)) };
    photos.push(photo);
    $("results").append(photo.card.element);
    if (style) restyle(photo);
    else photo.card.setState("idle", undefined, "Pick a style to begin.");
  }
}

function restyleAll(): void {
  if (style) for (const photo of photos) restyle(photo);
}

function restyle(photo: Photo): void {
  photo.job?.abort();
  const job = (photo.job = new AbortController());
  const chosen = style!;
  photo.card.setState("queued", 0, "Waiting for its turn…");
  // One photo at a time: they share the worker's cores.
  queue = queue.then(() => (job.signal.aborted ? undefined : run(photo, chosen, job.signal)));
}

async function run(photo: Photo, chosen: StyleInfo, signal: AbortSignal): Promise<void> {
  const track = progressTracker();
  photo.card.setState("working", 0.01, "Starting…");
  try {
    const out = await stylizer.stylize(photo.file, {
      style: chosen.id,
      ...readOptions(),
      signal,
      onProgress: (event) => {
        const { fraction, text } = track(event);
        photo.card.setState("working", fraction, text);
      },
    });
    const blob = await out.toBlob("image/png");
    if (photo.afterUrl) URL.revokeObjectURL(photo.afterUrl);
    photo.afterUrl = URL.createObjectURL(blob);
    photo.card.showResult(photo.afterUrl, out.width, out.height, `${photo.file.name.replace(/\.[^.]+$/, "")}-${chosen.id}.png`);
    photo.card.setState("done", 1, `${chosen.name} · ${out.width}×${out.height}`);
  } catch (error) {
    if (isAnime2dError(error, "ABORTED")) return;
    photo.card.setState("error", 0, `Sorry, that did not work: ${(error as Error).message}`);
  }
}
