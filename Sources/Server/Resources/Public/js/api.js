// The server's API (see /openapi.json): every URL of the server is built here, nowhere else in the client.
// Requests through `api` turn every failure into an ApiError with the server's sentence; `urls` gives the
// addresses the page loads itself (thumbnails, tiles, overlays, export links).

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function check(response) {
  if (response.ok) return response;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error) message = body.error;
  } catch (_) { /* not JSON */ }
  throw new ApiError(response.status, message);
}

// The signed-in browser session's CSRF token (accounts mode): every state-changing request carries it in
// X-CSRF-Token; the session cookie itself is HttpOnly and never seen here.
let csrfToken = null;

/** `headers` plus the CSRF token when there is one. */
function withCSRF(headers = {}) {
  return csrfToken ? { ...headers, "X-CSRF-Token": csrfToken } : headers;
}

async function json(path, options = {}) {
  const method = options.method ?? "GET";
  const headers = method === "GET" ? options.headers : withCSRF(options.headers);
  const response = await check(await fetch(path, { ...options, headers }));
  return response.status === 204 ? null : response.json();
}

function post(path, body) {
  return json(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) });
}

function put(path, body) {
  return json(path, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) });
}

/** Remembers the session's CSRF token from a session answer; returns the answer. */
function remember(session) {
  csrfToken = session?.csrfToken ?? null;
  return session;
}

export const api = {
  /** Who the page acts for: {mode: "single-user"|"accounts", signedIn, user, csrfToken}. */
  session: async () => remember(await json("/api/session")),
  login: async (name, password) => remember(await post("/api/login", { name, password })),
  logout: async () => { await post("/api/logout"); csrfToken = null; },
  changePassword: (currentPassword, newPassword) => post("/api/password", { currentPassword, newPassword }),
  tokens: () => json("/api/tokens"),
  /** A new API token; the answer's `token` is shown once and never again. */
  createToken: (name, expiresInDays) => post("/api/tokens", expiresInDays ? { name, expiresInDays } : { name }),
  revokeToken: (id) => json(`/api/tokens/${id}`, { method: "DELETE" }),
  users: () => json("/api/users"),
  setPassword: (name, password) => put(`/api/users/${encodeURIComponent(name)}/password`, { password }),

  members: (projectID) => json(`/api/projects/${projectID}/members`),
  setMember: (projectID, name, role) => put(`/api/projects/${projectID}/members/${encodeURIComponent(name)}`, { role }),
  removeMember: (projectID, name) =>
    json(`/api/projects/${projectID}/members/${encodeURIComponent(name)}`, { method: "DELETE" }),

  audit: (projectID, limit = 50) => json(`/api/projects/${projectID}/audit?limit=${limit}`),

  workspace: () => json("/api/workspace"),
  saveWorkspace: (workspace) => put("/api/workspace", workspace),

  info: () => json("/api/info"),
  projects: () => json("/api/projects"),
  createProject: (name, channels, classes) => post("/api/projects", { name, channels, classes }),
  deleteProject: (id) => json(`/api/projects/${id}`, { method: "DELETE" }),
  images: (projectID, sort = "created") => json(`/api/projects/${projectID}/images?sort=${sort}`),
  image: (id) => json(`/api/images/${id}`),
  deleteImage: (id) => json(`/api/images/${id}`, { method: "DELETE" }),

  /** Uploads files with progress (XMLHttpRequest: fetch has no upload progress). */
  upload(projectID, files, onProgress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      for (const file of files) form.append("file", file, file.name);
      const request = new XMLHttpRequest();
      request.open("POST", `/api/projects/${projectID}/images`);
      for (const [name, value] of Object.entries(withCSRF())) request.setRequestHeader(name, value);
      request.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
      request.onload = () => {
        let body = null;
        try { body = JSON.parse(request.responseText); } catch (_) { /* not JSON */ }
        if (request.status >= 200 && request.status < 300) resolve(body);
        else reject(new ApiError(request.status, body?.error ?? `upload failed (${request.status})`));
      };
      request.onerror = () => reject(new ApiError(0, "the upload could not reach the server"));
      request.send(form);
    });
  },

  /** The scribbles as {version, values: Uint8Array, shape} (values row-major, slice by slice). */
  async scribbles(imageID) {
    const response = await check(await fetch(`/api/images/${imageID}/scribbles?format=npy`));
    const version = Number((response.headers.get("ETag") || '"0"').replaceAll('"', ""));
    const array = decodeNPY(await response.arrayBuffer());
    return { version, values: Uint8Array.from(array.values), shape: array.shape };
  },

  /** Saves scribbles edited from `version`; resolves to the updated image. 412 means someone else saved. */
  async saveScribbles(imageID, version, values, shape) {
    const response = await check(await fetch(`/api/images/${imageID}/scribbles`, {
      method: "PUT", headers: withCSRF({ "If-Match": `"${version}"`, "Content-Type": "application/octet-stream" }),
      body: encodeNPY(values, shape),
    }));
    return response.json();
  },

  startJob: (projectID, settings) => post(`/api/projects/${projectID}/jobs`, settings),
  stopJob: (jobID) => post(`/api/jobs/${jobID}/stop`),
  jobs: (projectID) => json(`/api/projects/${projectID}/jobs`),
  models: (projectID) => json(`/api/projects/${projectID}/models`),
  prediction: (imageID, params) => json(`/api/images/${imageID}/prediction?${new URLSearchParams(params)}`),
  nextImage: (projectID, exclude = []) => json(`/api/projects/${projectID}/next-image?exclude=${exclude.join(",")}`),
  regions: (imageID, params) => json(`/api/images/${imageID}/uncertain-regions?${new URLSearchParams(params)}`),
  events: (jobID, imageID) => new EventSource(`/api/jobs/${jobID}/events${imageID ? `?image=${imageID}` : ""}`),
};

export const urls = {
  /** A thumbnail of the image, `size` pixels on its longer side. */
  preview: (imageID, size) => `/api/images/${imageID}/preview?size=${size}`,
  /** One channel of one pyramid tile as a grey PNG. */
  tile: (imageID, level, row, column, channel, z) => `/api/images/${imageID}/tiles/${level}/${row}/${column}?channel=${channel}&z=${z}`,
  /** A prediction map as a grey PNG: `name` is "foreground" or "entropy". */
  predictionMap: (imageID, name, params) => `/api/images/${imageID}/prediction/${name}.png?${new URLSearchParams(params)}`,
  /** A prediction export: `file` is "labels.tif", "labels.zip" or "measurements.csv". */
  predictionExport: (imageID, file, params) => `/api/images/${imageID}/prediction/${file}?${new URLSearchParams(params)}`,
};

/** A NumPy .npy file (format 1.0) holding `values` (Uint8Array) with `shape`. */
export function encodeNPY(values, shape) {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(values, 10 + header.length);
  return out;
}

/** Reads a little-endian unsigned-integer .npy file: {shape, values} (a typed array). */
export function decodeNPY(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.slice(1, 6)) !== "NUMPY") throw new Error("not an NPY file");
  const major = bytes[6];
  const headerLength = major === 1 ? bytes[8] | (bytes[9] << 8) : new DataView(buffer).getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = String.fromCharCode(...bytes.slice(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const data = buffer.slice(start + headerLength);
  const types = { "|u1": Uint8Array, "<u2": Uint16Array, "<u4": Uint32Array, "|b1": Uint8Array };
  const Type = types[descr];
  if (!Type) throw new Error(`unsupported NPY type ${descr}`);
  return { shape, values: new Type(data) };
}
