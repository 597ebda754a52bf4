import { listStyles, type StyleInfo } from "anime2d";

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The style switch: one radio button per registered style with its licence; `onPick` runs on
 * each change (the page then restyles every photo in the new style).
 */
export function renderStylesPanel(container: HTMLElement, licence: HTMLElement, onPick: (style: StyleInfo) => void): void {
  for (const info of listStyles()) {
    const button = document.createElement("button");
    button.className = "style";
    button.type = "button";
    button.role = "radio";
    button.dataset.style = info.id;
    button.setAttribute("aria-checked", "false");
    button.innerHTML = `${escapeHtml(info.name)}<small>${info.commercialUse ? "free to use" : "non-commercial"} · ${escapeHtml(info.licence)}</small>`;
    button.title = info.description ?? info.name;
    button.addEventListener("click", () => {
      for (const b of container.querySelectorAll<HTMLButtonElement>(".style")) b.setAttribute("aria-checked", String(b.dataset.style === info.id));
      licence.textContent = `${info.name} (${info.family}) — weights licence: ${info.licence}${info.commercialUse ? "" : " — not for commercial use"}.`;
      onPick(info);
    });
    container.append(button);
  }
}
