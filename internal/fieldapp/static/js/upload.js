// upload sends a request with XMLHttpRequest rather than fetch, for the
// one thing fetch cannot tell: how much of the body has gone (a 2 MB photo
// on a slow uplink takes long enough that the inspector should see it
// move). It answers a Response, as fetch does, and rejects with a
// TypeError when the network failed, so callers treat both alike.
export function upload(method, path, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    // An ArrayBuffer stays in the page; a Blob answer would be handed to
    // the browser's blob store and back for every upload.
    xhr.responseType = "arraybuffer";
    if (onProgress) {
      xhr.upload.onprogress = (e) => { if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total); };
    }
    xhr.onload = () => {
      const h = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const i = line.indexOf(":");
        if (i > 0) h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const empty = xhr.status === 204 || xhr.status === 304;
      resolve(new Response(empty ? null : xhr.response, { status: xhr.status, statusText: xhr.statusText, headers: h }));
    };
    xhr.onerror = () => reject(new TypeError("network error"));
    xhr.onabort = () => reject(new TypeError("aborted"));
    xhr.ontimeout = () => reject(new TypeError("timed out"));
    xhr.send(body);
  });
}
