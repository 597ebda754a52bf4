import type { FaceMode, StylizeOptions } from "anime2d";

/** The "fine-tune" controls: strength, face handling (whole photo, sharper faces, avatar crop) and 2× HD. */
export function readOptions(): Partial<Pick<StylizeOptions, "strength" | "face" | "upscale">> {
  const strength = Number(input("strength").value) / 100;
  const face = input<HTMLSelectElement>("face").value;
  return {
    strength,
    ...(face === "default" ? {} : { face: face as FaceMode }),
    ...(input("hd").checked ? { upscale: 2 as const } : {}),
  };
}

/** Calls `onChange` when any option changes (the strength slider once it is released). */
export function wireOptions(onChange: () => void): void {
  const strength = input("strength");
  strength.addEventListener("input", () => (document.getElementById("strength-value")!.textContent = `${strength.value}%`));
  strength.addEventListener("change", onChange);
  input("face").addEventListener("change", onChange);
  input("hd").addEventListener("change", onChange);
}

function input<T extends HTMLElement = HTMLInputElement>(id: string): T {
  return document.getElementById(id) as T;
}
