/**
 * PostgreSQL's hashtext() (hash_bytes in src/common/hashfn.c, Bob Jenkins' lookup3) ported to
 * TypeScript, so that assignShard() here and assign_shard() in SQL always agree.
 * Little-endian reads, as PostgreSQL does on x86 and arm64.
 */
function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

function mix(s: Uint32Array) {
  s[0] -= s[2]
  s[0] ^= rot(s[2], 4)
  s[2] += s[1]
  s[1] -= s[0]
  s[1] ^= rot(s[0], 6)
  s[0] += s[2]
  s[2] -= s[1]
  s[2] ^= rot(s[1], 8)
  s[1] += s[0]
  s[0] -= s[2]
  s[0] ^= rot(s[2], 16)
  s[2] += s[1]
  s[1] -= s[0]
  s[1] ^= rot(s[0], 19)
  s[0] += s[2]
  s[2] -= s[1]
  s[2] ^= rot(s[1], 4)
  s[1] += s[0]
}

function final(s: Uint32Array) {
  s[2] ^= s[1]
  s[2] -= rot(s[1], 14)
  s[0] ^= s[2]
  s[0] -= rot(s[2], 11)
  s[1] ^= s[0]
  s[1] -= rot(s[0], 25)
  s[2] ^= s[1]
  s[2] -= rot(s[1], 16)
  s[0] ^= s[2]
  s[0] -= rot(s[2], 4)
  s[1] ^= s[0]
  s[1] -= rot(s[0], 14)
  s[2] ^= s[1]
  s[2] -= rot(s[1], 24)
}

function word(k: Uint8Array, i: number): number {
  return (k[i] | (k[i + 1] << 8) | (k[i + 2] << 16) | (k[i + 3] << 24)) >>> 0
}

/** hashtext(text) as PostgreSQL returns it: a signed 32-bit integer. */
export function pgHashText(text: string): number {
  const k = new TextEncoder().encode(text)
  let len = k.length
  // s = [a, b, c]; Uint32Array keeps every step modulo 2^32 like the C code.
  const s = new Uint32Array(3)
  s[0] = s[1] = s[2] = 0x9e3779b9 + len + 3923095
  let i = 0
  while (len >= 12) {
    s[0] += word(k, i)
    s[1] += word(k, i + 4)
    s[2] += word(k, i + 8)
    mix(s)
    i += 12
    len -= 12
  }
  switch (len) {
    case 11:
      s[2] += k[i + 10] << 24 // falls through
    case 10:
      s[2] += k[i + 9] << 16 // falls through
    case 9:
      s[2] += k[i + 8] << 8 // falls through
    case 8:
      s[1] += k[i + 7] << 24 // falls through
    case 7:
      s[1] += k[i + 6] << 16 // falls through
    case 6:
      s[1] += k[i + 5] << 8 // falls through
    case 5:
      s[1] += k[i + 4] // falls through
    case 4:
      s[0] += k[i + 3] << 24 // falls through
    case 3:
      s[0] += k[i + 2] << 16 // falls through
    case 2:
      s[0] += k[i + 1] << 8 // falls through
    case 1:
      s[0] += k[i]
  }
  final(s)
  return s[2] | 0
}

/**
 * The logical shard of a merchant: abs(hashtext(id)) mod shardCount, as assign_shard() in SQL
 * (which casts to bigint first so that abs() of -2^31 cannot overflow).
 */
export function assignShard(merchantId: string, shardCount = 16): number {
  return Math.abs(pgHashText(merchantId.toLowerCase())) % shardCount
}
