/** Evidence reports as plain data, and their JSON and Markdown exports (hosts render and save them). */
export { reportToJson, reportToMarkdown, extraEvidenceFields, fieldLabel, type EvidenceReport, type LineageEntry } from './evidenceReport';
