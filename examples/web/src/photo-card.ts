/** One photo's card: before/after comparison, progress bar, status line and download link. */
export interface PhotoCard {
  element: HTMLElement;
  setState(state: "idle" | "queued" | "working" | "done" | "error", fraction: number | undefined, text: string): void;
  showResult(url: string, width: number, height: number, fileName: string): void;
}

export function createPhotoCard(file: File, beforeUrl: string): PhotoCard {
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
    <div class="progress" data-testid="progress"><div></div></div>
    <div class="status" data-testid="status"></div>
    <a class="download" data-testid="download" aria-disabled="true">Download</a>`;
  card.querySelector("h3")!.textContent = file.name;
  card.querySelector<HTMLImageElement>(".before")!.src = beforeUrl;
  const slider = card.querySelector<HTMLInputElement>("input")!;
  slider.addEventListener("input", () => card.querySelector<HTMLElement>(".compare")!.style.setProperty("--split", `${slider.value}%`));
  const status = card.querySelector<HTMLElement>(".status")!;
  const bar = card.querySelector<HTMLElement>(".progress div")!;

  return {
    element: card,
    setState(state, fraction, text) {
      card.dataset.state = state;
      if (fraction !== undefined) bar.style.width = `${(fraction * 100).toFixed(1)}%`;
      status.textContent = text;
      status.classList.toggle("error", state === "error");
    },
    showResult(url, width, height, fileName) {
      const after = card.querySelector<HTMLImageElement>(".after")!;
      after.src = url;
      after.dataset.width = String(width);
      after.dataset.height = String(height);
      for (const el of card.querySelectorAll<HTMLElement>(".after, .handle, .compare input")) el.hidden = false;
      const link = card.querySelector<HTMLAnchorElement>(".download")!;
      link.href = url;
      link.download = fileName;
      link.setAttribute("aria-disabled", "false");
    },
  };
}
