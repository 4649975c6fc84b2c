/**
 * The one pipeline both hosts call: `propose()` turns a document region into Candidates,
 * `verify()` turns a Candidate into Evidence. The CLI verbs and the editor commands are thin
 * callers of these; the agent and the evolve loop feed their candidates into the same `verify()`.
 */
export { propose, type ProposeOptions, type ProposeRegion, type Proposal } from './propose';
export { verify, type VerifySettings } from './verify';
export { createSession, defaultCacheDir, sessionToolchains, type SessionOptions, type VerificationSession } from './session';
export { candidateId } from './candidateId';
