// Live camera mode: camera → worker → canvas with the chosen style, fps shown, style switch
// live, WebGPU when the browser has it. Its own module and its own stylizer, so the photo
// page's queue is never held up by the camera.
import { createStylizer, listStyles, type WebStylizer } from "anime2d";

/** Side of the square the camera is stylized at: the portrait model's size, fast on wasm. */
const SIDE = 256;

/** Adds the live camera section to `root`. */
export function mountCamera(root: HTMLElement): void {
  root.innerHTML = `
    <h2>Live camera</h2>
    <div class="camera-bar">
      <button type="button" data-testid="camera-start">Start camera</button>
      <label>Style <select data-testid="camera-style">${listStyles()
        .map((s) => `<option value="${s.id}"${s.id === "cute" ? " selected" : ""}>${s.name}</option>`)
        .join("")}</select></label>
      <output data-testid="camera-fps">–</output>
    </div>
    <canvas data-testid="camera-canvas" width="${SIDE}" height="${SIDE}"></canvas>`;
  const button = root.querySelector<HTMLButtonElement>("[data-testid=camera-start]")!;
  const select = root.querySelector<HTMLSelectElement>("[data-testid=camera-style]")!;
  const fps = root.querySelector<HTMLOutputElement>("[data-testid=camera-fps]")!;
  const canvas = root.querySelector<HTMLCanvasElement>("[data-testid=camera-canvas]")!;
  let running: { stop(): void } | undefined;
  button.addEventListener("click", async () => {
    if (running) {
      running.stop();
      running = undefined;
      button.textContent = "Start camera";
      return;
    }
    button.disabled = true;
    try {
      running = await startLoop(canvas, () => select.value, (rate, frames, style) => {
        fps.textContent = `${rate.toFixed(1)} fps`;
        fps.dataset.fps = rate.toFixed(2);
        fps.dataset.frames = String(frames);
        canvas.dataset.style = style;
      });
      button.textContent = "Stop camera";
    } catch (error) {
      fps.textContent = `camera unavailable: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
}

async function startLoop(canvas: HTMLCanvasElement, style: () => string, report: (fps: number, frames: number, style: string) => void): Promise<{ stop(): void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  // WebGPU when the browser has it (the runtime falls back to wasm and says why).
  const backend = "gpu" in navigator ? "webgpu" : "wasm";
  // The page only draws while a frame is stylized, so the worker may use every core
  // (measured on a quiet 2-core machine, cute 256² wasm: 5.6 fps with cores − 1 threads, 10.3 with both).
  const threads = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  const stylizer: WebStylizer = createStylizer({ worker: true, backend, threads });
  const grab = new OffscreenCanvas(SIDE, SIDE);
  const grabContext = grab.getContext("2d", { willReadFrequently: true })!;
  const context = canvas.getContext("2d")!;
  let stopped = false;
  const times: number[] = [];
  let frames = 0;

  const loop = async () => {
    while (!stopped) {
      // Centre square of the camera picture, scaled to SIDE².
      const side = Math.min(video.videoWidth, video.videoHeight);
      grabContext.drawImage(video, (video.videoWidth - side) / 2, (video.videoHeight - side) / 2, side, side, 0, 0, SIDE, SIDE);
      const pixels = grabContext.getImageData(0, 0, SIDE, SIDE);
      const current = style();
      try {
        const out = await stylizer.stylize(pixels, { style: current, face: "off" });
        if (stopped) break;
        context.putImageData(out.toImageData(), 0, 0);
      } catch (error) {
        if (!stopped) console.warn(`camera frame failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const now = performance.now();
      times.push(now);
      while (times.length > 1 && now - times[0] > 2000) times.shift();
      frames++;
      if (times.length > 1) report(((times.length - 1) * 1000) / (now - times[0]), frames, current);
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
      for (const track of stream.getTracks()) track.stop();
      void stylizer.dispose();
    },
  };
}
