import { readdir, stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";

/** File extensions a folder or glob contributes (anything named explicitly is tried as given). */
const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp", ".avif", ".tif", ".tiff", ".gif"]);

/** One file to stylize and where its result goes. */
export interface FileJob {
  input: string;
  target: string;
}

/**
 * Expands the command line's inputs: files as given, folders recursively, globs. Each file
 * keeps its path below the folder or glob base it came from, so the output tree mirrors the
 * input tree; files named directly land at the top. Two inputs that would still write the
 * same file (e.g. `a/photo.jpg b/photo.jpg`, or photo.jpg beside photo.png) get `-2`, `-3`….
 * The output folder itself is never read as input.
 */
export async function planJobs(args: string[], out: string, name: (file: string) => string): Promise<{ jobs: FileJob[]; empty: string[] }> {
  const outAbs = resolve(out);
  const jobs: FileJob[] = [];
  const empty: string[] = [];
  const taken = new Set<string>();
  for (const arg of args) {
    const files = await expand(arg, (file) => !isInside(resolve(file), outAbs));
    if (files.length === 0) empty.push(arg);
    for (const { input, rel } of files) {
      const wanted = join(out, dirname(rel), name(basename(rel)));
      let target = wanted;
      for (let n = 2; taken.has(target); n++) target = wanted.replace(/(\.[^.]+)$/, `-${n}$1`);
      taken.add(target);
      jobs.push({ input, target });
    }
  }
  return { jobs, empty };
}

/** The result's file name: `photo.jpg` → `photo-hayao.png`. */
export function resultName(style: string, extension: string): (file: string) => string {
  return (file) => `${basename(file, extname(file))}-${style}.${extension}`;
}

/** The files of one argument; `keep` filters what folders and globs find, not named files. */
async function expand(arg: string, keep: (file: string) => boolean): Promise<{ input: string; rel: string }[]> {
  if (isDynamicPattern(arg)) {
    const base = globBase(arg);
    const found = await glob(arg, { onlyFiles: true, expandDirectories: false });
    return found.filter((f) => isImage(f) && keep(f)).sort().map((input) => ({ input, rel: relative(base, input) }));
  }
  const info = await stat(arg).catch(() => undefined);
  if (!info?.isDirectory()) return [{ input: arg, rel: basename(arg) }];
  const entries = await readdir(arg, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isImage(e.name))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .filter(keep)
    .sort()
    .map((input) => ({ input, rel: relative(arg, input) }));
}

/** The folder part of a glob before its first wildcard segment. */
function globBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return fixed.join("/") || ".";
}

function isImage(file: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(file).toLowerCase());
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder + sep);
}
