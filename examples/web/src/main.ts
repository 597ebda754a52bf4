import { createStylizer, env, listStyles, webEnv, isAnime2dError, type ProgressEvent, type StyleInfo } from "anime2d";
import "./style.css";

// Models and ONNX Runtime's wasm files are self-hosted next to the page (see docs/browser.md);
// `?models=<url>` points the page at another model host.
const params = new URLSearchParams(location.search);
env.modelDir = new URL(params.get("models") ?? "models/", document.baseURI).href;
webEnv.wasmPaths = new URL("ort/", document.baseURI).href;

// Inference runs in a worker, so the page keeps painting while a photo is stylized.
const stylizer = createStylizer({ worker: true });

interface Photo {
  file: File;
  card: HTMLElement;
  beforeUrl: string;
  afterUrl?: string;
  job?: AbortController;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const photos: Photo[] = [];
let style: StyleInfo | undefined;
let queue = Promise.resolve();

renderStyles(listStyles());
wireInputs();
// Live camera mode lives in its own module (and chunk).
void import("./camera.js").then((camera) => camera.mountCamera($("camera")));
stylizer.runtimeInfo().then((info) => ($("runtime").textContent = ` · ${info.backend}, ${info.threads} thread${info.threads > 1 ? "s" : ""}`));

function renderStyles(styles: StyleInfo[]): void {
  for (const info of styles) {
    const button = document.createElement("button");
    button.className = "style";
    button.type = "button";
    button.role = "radio";
    button.dataset.style = info.id;
    button.setAttribute("aria-checked", "false");
    button.innerHTML = `${info.name}<small>${info.commercialUse ? "free to use" : "non-commercial"} · ${escapeHtml(info.licence)}</small>`;
    button.title = info.description ?? info.name;
    button.addEventListener("click", () => pickStyle(info));
    $("styles").append(button);
  }
}

function pickStyle(info: StyleInfo): void {
  style = info;
  for (const b of document.querySelectorAll<HTMLButtonElement>(".style")) b.setAttribute("aria-checked", String(b.dataset.style === info.id));
  $("licence").textContent = `${info.name} (${info.family}) — weights licence: ${info.licence}${info.commercialUse ? "" : " — not for commercial use"}.`;
  restyleAll();
}

function wireInputs(): void {
  const drop = $("drop");
  $<HTMLInputElement>("files").addEventListener("change", (e) => addPhotos((e.target as HTMLInputElement).files));
  drop.addEventListener("dragover", (e) => (e.preventDefault(), drop.classList.add("over")));
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    addPhotos(e.dataTransfer?.files ?? null);
  });
  const strength = $<HTMLInputElement>("strength");
  strength.addEventListener("input", () => ($("strength-value").textContent = `${strength.value}%`));
  strength.addEventListener("change", restyleAll);
  $("face").addEventListener("change", restyleAll);
}

function addPhotos(files: FileList | null): void {
  for (const file of Array.from(files ?? [])) {
    if (!file.type.startsWith("image/")) continue;
    const photo: Photo = { file, card: createCard(file), beforeUrl: URL.createObjectURL(file) };
    photo.card.querySelector<HTMLImageElement>(".before")!.src = photo.beforeUrl;
    photos.push(photo);
    $("results").append(photo.card);
    if (style) restyle(photo);
    else setStatus(photo, "Pick a style to begin.");
  }
}

function createCard(file: File): HTMLElement {
  const card = document.createElement("article");
  card.className = "card";
  card.dataset.testid = "card";
  card.dataset.state = "idle";
  card.innerHTML = `
    <h3></h3>
    <div class="compare">
      <img class="before" alt="original photo" />
      <img class="after" data-testid="after" alt="anime version" hidden />
      <div class="handle" hidden></div>
      <input type="range" min="0" max="100" value="50" aria-label="before / after" hidden />
    </div>
    <div class="progress"><div></div></div>
    <div class="status" data-testid="status"></div>
    <a class="download" data-testid="download" aria-disabled="true">Download</a>`;
  card.querySelector("h3")!.textContent = file.name;
  const slider = card.querySelector<HTMLInputElement>("input")!;
  slider.addEventListener("input", () => card.querySelector<HTMLElement>(".compare")!.style.setProperty("--split", `${slider.value}%`));
  return card;
}

function restyleAll(): void {
  if (style) for (const photo of photos) restyle(photo);
}

function restyle(photo: Photo): void {
  photo.job?.abort();
  const job = (photo.job = new AbortController());
  const chosen = style!;
  setState(photo, "queued", 0, "Waiting for its turn…");
  // One photo at a time: they share the worker's cores.
  queue = queue.then(() => (job.signal.aborted ? undefined : run(photo, chosen, job.signal)));
}

async function run(photo: Photo, chosen: StyleInfo, signal: AbortSignal): Promise<void> {
  const options = {
    style: chosen.id,
    strength: Number($<HTMLInputElement>("strength").value) / 100,
    face: $<HTMLInputElement>("face").checked ? "auto" : "off",
    signal,
    onProgress: (event: ProgressEvent) => showProgress(photo, event),
  };
  setState(photo, "working", 0.02, "Starting…");
  try {
    const out = await stylizer.stylize(photo.file, options);
    const blob = await out.toBlob("image/png");
    if (photo.afterUrl) URL.revokeObjectURL(photo.afterUrl);
    photo.afterUrl = URL.createObjectURL(blob);
    showResult(photo, chosen, out.width, out.height);
  } catch (error) {
    if (isAnime2dError(error, "ABORTED")) return;
    setState(photo, "error", 0, `Sorry, that did not work: ${(error as Error).message}`);
  }
}

function showProgress(photo: Photo, event: ProgressEvent): void {
  const steps: Record<string, [number, string]> = {
    download: [0.05 + 0.35 * (event.progress ?? 0), `Downloading the model… ${event.progress ? Math.round(event.progress * 100) + "%" : ""}`],
    "load-model": [0.42, "Preparing the model…"],
    decode: [0.48, "Reading the photo…"],
    inference: [event.progress === 1 ? 0.92 : 0.55, event.progress === 1 ? "Finishing…" : "Painting in anime style…"],
    done: [1, "Done"],
  };
  const [fraction, text] = steps[event.stage] ?? [undefined, `${event.stage}…`];
  setState(photo, "working", fraction, text);
}

function showResult(photo: Photo, chosen: StyleInfo, width: number, height: number): void {
  const after = photo.card.querySelector<HTMLImageElement>(".after")!;
  after.src = photo.afterUrl!;
  after.dataset.width = String(width);
  after.dataset.height = String(height);
  for (const el of photo.card.querySelectorAll<HTMLElement>(".after, .handle, .compare input")) el.hidden = false;
  const link = photo.card.querySelector<HTMLAnchorElement>(".download")!;
  link.href = photo.afterUrl!;
  link.download = `${photo.file.name.replace(/\.[^.]+$/, "")}-${chosen.id}.png`;
  link.setAttribute("aria-disabled", "false");
  setState(photo, "done", 1, `${chosen.name} · ${width}×${height}`);
}

function setState(photo: Photo, state: string, fraction: number | undefined, text: string): void {
  photo.card.dataset.state = state;
  if (fraction !== undefined) photo.card.querySelector<HTMLElement>(".progress div")!.style.width = `${Math.round(fraction * 100)}%`;
  setStatus(photo, text, state === "error");
}

function setStatus(photo: Photo, text: string, error = false): void {
  const status = photo.card.querySelector<HTMLElement>(".status")!;
  status.textContent = text;
  status.classList.toggle("error", error);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
