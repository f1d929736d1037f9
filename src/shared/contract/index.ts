/**
 * The whole typed contract between the renderer/CLI and main. Each service is
 * declared once here; main serves implementations, callers get typed proxies.
 */
import { appContract } from './app';
import { chatContract } from './chat';
import { dataContract } from './data';
import { evaluateContract } from './evaluate';
import { exportContract } from './export';
import { jobsContract } from './jobs';
import { modelsContract } from './models';
import { trainContract } from './train';
import { projectsContract } from './projects';
import { runtimeContract } from './runtime';
import type { ServiceImpl, ServiceProxy } from './spec';
import { toolsContract } from './tools';

export const contract = {
  app: appContract,
  projects: projectsContract,
  tools: toolsContract,
  data: dataContract,
  jobs: jobsContract,
  models: modelsContract,
  train: trainContract,
  evaluate: evaluateContract,
  export: exportContract,
  runtime: runtimeContract,
  chat: chatContract,
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;

export type Api = { [S in ServiceName]: ServiceProxy<Contract[S]> };
export type Implementations = { [S in ServiceName]: ServiceImpl<Contract[S]> };

export type { AppInfo, AppSettings, Locale } from './app';
export { LOCALES } from './app';
export type { ProjectSummary } from './projects';
export type { JobInfo, JobKind, JobProgress, JobState } from './jobs';
export type { HardwareInfo, TrainEstimate, LoraTarget, RunArtifact, RunDetail, RunLive, RunPhase, RunProgress, RunRepro, TrainSettings, TrainBackend, TrainingDevice, TrainingRun } from './train';
export { LORA_TARGETS, TRAIN_BACKENDS } from './train';
export type { EvalDecoding, EvalEndpoint, EvalModelInfo, EvalParams, EvalResultDetail, EvalResultSummary, EvalVariant, RunVariant, SimilarSample } from './evaluate';
export { RUN_VARIANTS } from './evaluate';
export type { ExportEstimate, ExportFile, ExportPackage, ExportParams, ExportRecord, QuantFallback, QuantType } from './export';
export { DEFAULT_EXPORT_PACKAGES, EXPORT_PACKAGES, MODEL_PACKAGES, QUANT_TYPES } from './export';
export type { ChatLane, ChatMessage, ChatModel, ChatModelOption, ChatSampling, ChatToolCall, Conversation, ConversationSummary, ToolCallStatus } from './chat';
export { DEFAULT_SAMPLING, MAX_CHAT_LANES } from './chat';
export type { McpServerInfo, McpToolSummary, SecretStorageKind, ToolRunResult, ToolRuntimeInfo, WorkspaceFile } from './runtime';
export type { CatalogModel } from '../models/catalog';
export { MODEL_CATALOG } from '../models/catalog';
export type { DownloadInfo, BaseModel, ModelFileInfo, ModelFileState, ModelSource } from './models';
export { PROJECT_NAME_MAX } from './projects';
export type { StoredTool, ToolExportFormat, ToolOrigin } from './tools';
export { IMPORT_TEXT_MAX } from './tools';
export type {
  CountEntry,
  DataExport,
  DataExportFormat,
  DataLocale,
  DataStats,
  DatasetVersion,
  DuplicateGroup,
  ExactDuplicates,
  ExportedFile,
  GenerateParams,
  GeneratorChoice,
  ImportSummary,
  ImportTimings,
  SampleCheck,
  SampleFilter,
  SampleMix,
  SampleRow,
  SampleSort,
  SampleSource,
  SampleSplit,
  SampleStatus,
  StoredSample,
  TeacherSettings,
} from './data';
export {
  TEACHER_CONCURRENCY_MAX,
  TEACHER_SEQUENCES_MAX,
  BULK_IDS_MAX,
  DATA_EXPORT_FORMATS,
  DATA_IMPORT_FORMATS,
  DATA_TEXT_CHUNK_MAX,
  DATA_UPLOAD_MAX,
  DUPLICATE_GROUPS_MAX,
  GENERATE_COUNT_MAX,
  LIST_LIMIT_MAX,
  SAMPLE_STATUSES,
} from './data';
