// The page of `anime2d serve`: sends photos to the server as a batch job (progress per photo
// from GET /v1/jobs/:id), or stylizes them in this browser with the package's browser build.
const $ = (id) => document.getElementById(id);
let styles = [];
let files = [];

async function init() {
  const body = await (await fetch("/v1/styles")).json();
  styles = body.styles;
  for (const s of styles) $("style").append(new Option(`${s.name} (${s.id})`, s.id, s.id === body.default, s.id === body.default));
  $("style").addEventListener("change", showLicence);
  $("strength").addEventListener("input", () => ($("strength-value").value = $("strength").value));
  $("files").addEventListener("change", () => choose([...$("files").files]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => (e.preventDefault(), drop.classList.add("over")));
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => (e.preventDefault(), drop.classList.remove("over"), choose([...e.dataTransfer.files])));
  $("options").addEventListener("submit", (e) => (e.preventDefault(), run()));
  showLicence();
}

function showLicence() {
  const s = styles.find((x) => x.id === $("style").value);
  $("licence").textContent = s ? `${s.description ?? ""} Licence: ${s.licence}${s.commercialUse ? "" : " (not for commercial use)"}.` : "";
}

function choose(list) {
  files = list.filter((f) => f.type.startsWith("image/"));
  $("go").disabled = files.length === 0;
  $("status").textContent = `${files.length} photo${files.length === 1 ? "" : "s"} chosen.`;
}

function options() {
  const o = { style: $("style").value, strength: $("strength").value };
  if ($("face").value) o.face = $("face").value;
  if ($("upscale").checked) o.upscale = "2";
  return o;
}

/** One card per photo: name, progress, then the result with a download link, or the error. */
function cards() {
  $("results").replaceChildren();
  return files.map((file) => {
    const li = document.createElement("li");
    li.innerHTML = `<strong></strong><progress max="1" value="0"></progress><p class="note">waiting</p>`;
    li.querySelector("strong").textContent = file.name;
    $("results").append(li);
    return {
      progress(value, text) {
        li.querySelector("progress").value = value;
        li.querySelector("p").textContent = text;
      },
      done(url, name) {
        li.querySelector("progress").remove();
        li.querySelector("p").innerHTML = `<img alt="anime version of the photo"><a download>Download</a>`;
        li.querySelector("img").src = url;
        Object.assign(li.querySelector("a"), { href: url, download: name });
        li.dataset.state = "done";
      },
      fail(message) {
        li.querySelector("p").textContent = message;
        li.querySelector("p").className = "error";
        li.dataset.state = "failed";
      },
    };
  });
}

async function run() {
  $("go").disabled = true;
  try {
    const mode = document.querySelector("input[name=mode]:checked").value;
    await (mode === "server" ? onServer(cards(), options()) : inBrowser(cards(), options()));
    $("status").textContent = "Done.";
  } catch (error) {
    $("status").textContent = `Failed: ${error.message}`;
  } finally {
    $("go").disabled = false;
  }
}

async function onServer(cards, opts) {
  const body = new FormData();
  for (const [k, v] of Object.entries(opts)) body.append(k, v);
  for (const f of files) body.append("image", f, f.name);
  $("status").textContent = "Uploading…";
  const created = await fetch("/v1/jobs", { method: "POST", body });
  const answer = await created.json();
  if (!created.ok) throw new Error(`${answer.code}: ${answer.message}`);
  $("status").textContent = "Working…";
  for (;;) {
    const job = await (await fetch(`/v1/jobs/${answer.id}`)).json();
    for (const item of job.items) {
      const card = cards[item.index];
      if (item.status === "done" && !card.shown) (card.shown = true), card.done(item.url, resultName(files[item.index].name));
      else if (item.status === "failed" || item.status === "cancelled") card.fail(item.error ? `${item.error.code}: ${item.error.message}` : item.status);
      else if (item.status !== "done") card.progress(item.progress, item.stage ?? item.status);
    }
    if (job.status === "done" || job.status === "cancelled") return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

let browserStylizer;

async function inBrowser(cards, opts) {
  $("status").textContent = "Loading the models into this page…";
  const anime2d = await import("/lib/index.js");
  if (!browserStylizer) {
    anime2d.webEnv.wasmPaths = "/ort/";
    // Models come from this server, named by their SHA-256 (and verified again here).
    for (const m of styles.length ? anime2d.listModels() : []) if (m.sha256) anime2d.env.models[m.id] = `${location.origin}/v1/models/${m.sha256}`;
    browserStylizer = anime2d.createStylizer({ worker: false });
  }
  for (const [i, file] of files.entries()) {
    try {
      const out = await browserStylizer.stylize(file, {
        style: opts.style,
        strength: Number(opts.strength),
        face: opts.face,
        upscale: opts.upscale ? 2 : undefined,
        onProgress: (e) => cards[i].progress(e.progress ?? 0, e.stage),
      });
      cards[i].done(URL.createObjectURL(await out.toBlob("image/png")), resultName(file.name));
    } catch (error) {
      cards[i].fail(`${error.code ?? "ERROR"}: ${error.message}`);
    }
  }
}

const resultName = (name) => `${name.replace(/\.[^.]+$/, "")}-anime.png`;

init().catch((error) => ($("status").textContent = `Cannot reach the server: ${error.message}`));
