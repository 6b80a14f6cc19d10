/**
 * Sampling-rule patterns as dd-trace matches them: `*` is any run of characters (empty too), `?` is
 * exactly one, everything else stands for itself; matching ignores case. A pattern of only `*`s
 * matches anything, an empty subject included; any other pattern never matches an empty subject.
 */

/** Tests one lowercased subject. Made once per rule; matching allocates nothing. */
export type GlobMatcher = (lowercaseSubject: string) => boolean

const matchAll: GlobMatcher = () => true
const STAR = 42 // '*'
const QUESTION = 63 // '?'

/** A matcher for `pattern`, lowercased once here; the caller lowercases each subject. */
export function compileGlob(pattern: string): GlobMatcher {
  const lower = pattern.toLowerCase()
  if (/^\*+$/.test(lower)) return matchAll
  if (!/[*?]/.test(lower)) return (subject) => subject !== '' && subject === lower
  return (subject) => subject !== '' && globMatch(lower, subject)
}

/**
 * Star-backtracking match: on a mismatch, the last `*` takes one more character and matching
 * resumes after it. Never worse than pattern length times subject length, never recursive.
 */
function globMatch(pattern: string, subject: string): boolean {
  const patternLength = pattern.length
  const subjectLength = subject.length
  let p = 0
  let s = 0
  let starAt = -1
  let resumeAt = 0
  while (s < subjectLength) {
    // -1 past the pattern's end: charCodeAt would give NaN, which V8 handles on a slower path.
    const c = p < patternLength ? pattern.charCodeAt(p) : -1
    if (c === STAR) {
      starAt = p++
      resumeAt = s
    } else if (c !== -1 && (c === QUESTION || c === subject.charCodeAt(s))) {
      p++
      s++
    } else if (starAt >= 0) {
      p = starAt + 1
      s = ++resumeAt
    } else {
      return false
    }
  }
  while (p < patternLength && pattern.charCodeAt(p) === STAR) p++
  return p === patternLength
}
