import { randomInt } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the cookie comes from, like `erl`: the `cookie` option, else `BEAMISH_COOKIE`, else
 * `~/.erlang.cookie` (created with a random cookie when missing, mode 0400, as `erl` does).
 *
 * Why a fresh cookie uses 32 letters from the crypto RNG: that is ~150 bits, against the weak
 * time-seeded cookies of erl-matter (reliability.md §3.1, R15).
 */
export function resolveCookie(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined) return option
  const fromEnv = env.BEAMISH_COOKIE
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  return readCookieFile(join(env.HOME ?? homedir(), '.erlang.cookie'))
}

/** Reads (or creates) a cookie file; surrounding whitespace is ignored, as `erl` ignores it. */
export function readCookieFile(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'latin1').trim()
  const cookie = randomCookie()
  writeFileSync(path, cookie, { mode: 0o400, flag: 'wx' })
  return cookie
}

/** 32 random uppercase letters. */
export function randomCookie(): string {
  let s = ''
  for (let i = 0; i < 32; i++) s += String.fromCharCode(65 + randomInt(26))
  return s
}

/** A cookie must be a non-empty atom text (`erl` makes it an atom): at most 255 characters. */
export function cookieProblem(cookie: string): string | undefined {
  if (cookie.length === 0) return 'the cookie is empty'
  if ([...cookie].length > 255) return 'the cookie is longer than 255 characters'
  // The digest hashes the cookie's characters as bytes (erlang:md5 of a char list).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point: Latin-1 and nothing else
  if (/[^\u0000-\u00ff]/.test(cookie)) return 'the cookie has characters above U+00FF'
  return undefined
}
