/**
 * Generated WAV clips for the center-voice tests (issue 23): nothing is recorded by microphone; each clip is
 * a short tone, a different pitch per clip, so each has its own bytes and content hash.
 */
export function toneWav(index: number, seconds = 0.25, rate = 16000): Buffer {
  const n = Math.round(seconds * rate)
  const buf = Buffer.alloc(44 + n * 2)
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write('WAVE', 8)
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22)
  buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34)
  buf.write('data', 36); buf.writeUInt32LE(n * 2, 40)
  const freq = 220 + 37 * index
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * freq * i) / rate)), 44 + i * 2)
  return buf
}

export const toneBase64 = (index: number, seconds?: number) => toneWav(index, seconds).toString('base64')
