// Attention for new high/critical alerts: a beep synthesised with WebAudio (nothing to download)
// and a screen-edge flash, because at 3 a.m. the officer may not be looking at the queue.

let audio = null;

/** Browsers only allow audio after a user gesture; the login click unlocks it. */
export function unlockAudio() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null; // no audio device: the flash still shows
  }
}

export function beep(critical) {
  if (!audio) return;
  const now = audio.currentTime;
  const pulses = critical ? 3 : 2;
  for (let i = 0; i < pulses; i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "square";
    osc.frequency.value = critical ? 1320 : 880;
    const start = now + i * 0.25;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.2);
  }
}

export function flash(element, critical) {
  element.classList.remove("flash-on", "flash-critical");
  void element.offsetWidth; // restart the CSS animation
  element.classList.add("flash-on");
  if (critical) element.classList.add("flash-critical");
}
