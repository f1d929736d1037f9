/**
 * The whole typed contract between the renderer/CLI and main. Each service is
 * declared once here; main serves implementations, callers get typed proxies.
 */
import { appContract } from './app';
import { projectsContract } from './projects';
import type { ServiceImpl, ServiceProxy } from './spec';
import { toolsContract } from './tools';

export const contract = {
  app: appContract,
  projects: projectsContract,
  tools: toolsContract,
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;

export type Api = { [S in ServiceName]: ServiceProxy<Contract[S]> };
export type Implementations = { [S in ServiceName]: ServiceImpl<Contract[S]> };

export type { AppInfo, AppSettings, Locale } from './app';
export { LOCALES } from './app';
export type { ProjectSummary } from './projects';
export { PROJECT_NAME_MAX } from './projects';
export type { StoredTool, ToolExportFormat, ToolOrigin } from './tools';
export { IMPORT_TEXT_MAX } from './tools';
