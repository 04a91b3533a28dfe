/** A short two-tone chime for a new order (Web Audio: no sound file to download). */
export function chime() {
  try {
    const Context = window.AudioContext ?? (window as any).webkitAudioContext
    const audio: AudioContext = new Context()
    for (const [index, frequency] of [880, 1320].entries()) {
      const oscillator = audio.createOscillator()
      const gain = audio.createGain()
      oscillator.frequency.value = frequency
      gain.gain.setValueAtTime(0.15, audio.currentTime + index * 0.18)
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + index * 0.18 + 0.16)
      oscillator.connect(gain).connect(audio.destination)
      oscillator.start(audio.currentTime + index * 0.18)
      oscillator.stop(audio.currentTime + index * 0.18 + 0.17)
    }
    setTimeout(() => audio.close(), 600)
  } catch {
    // No audio (autoplay policy before the first tap, or no device): the visual cue remains.
  }
}
