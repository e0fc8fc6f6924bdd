// IKZ-Geschäftsstelle: live progress of a run and drag and drop for uploads.
// Everything works without this script, except the live progress (then: reload the page).
"use strict";

function live() {
  const box = document.getElementById("lauf");
  if (!box || box.dataset.status !== "läuft") return;
  const url = box.dataset.stand + "?warten=1";
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  async function poll() {
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (e) {
      setTimeout(poll, 3000);
      return;
    }
    if (data.status !== "läuft") { window.location.reload(); return; }
    set("schritt", data.step);
    set("element", data.item);
    set("zaehler", `${Math.max(0, data.done)} von ${data.total}`);
    set("dauer", `${Math.floor(data.elapsed)} s`);
    const bar = document.getElementById("fortschritt");
    if (bar) { bar.max = Math.max(1, data.total); bar.value = Math.max(0, Math.min(data.done, data.total)); bar.textContent = `${data.done} von ${data.total}`; }
    setTimeout(poll, 300);
  }
  poll();
}

function dropZones() {
  for (const zone of document.querySelectorAll("[data-ablage]")) {
    const input = zone.querySelector("input[type=file]");
    if (!input) continue;
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("ueber"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("ueber"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("ueber");
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => { live(); dropZones(); });
