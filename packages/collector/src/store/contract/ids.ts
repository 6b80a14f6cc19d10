/** Ids the contract tests share: the demo capture's LLMObs and APM trace ids, and another trace. */
export const TRACE = '6b03fc19000000007953b531107242bf'
export const APM_TRACE = '6b03fc19000000000abfe71cd4b34a20'
export const OTHER = '6b03fc1900000000aaaaaaaaaaaaaaaa'
