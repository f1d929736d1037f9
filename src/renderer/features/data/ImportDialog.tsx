import { useId, useState } from 'react';
import { DATA_IMPORT_FORMATS, DATA_UPLOAD_MAX, type ImportSummary } from '../../../shared/contract';
import type { DatasetFormat } from '../../../shared/data/formats';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { JobProgressView } from './JobProgressView';
import { FORMAT_LABELS } from './labels';
import { MissingTools } from './MissingTools';
import { useJobProgress } from '../../app/useJobProgress';
import { useFinishedJob, useStartImport } from './queries';

interface ImportDialogProps {
  projectId: string;
  onImported(summary: ImportSummary): void;
  onClose(): void;
}

const MAX_MIB = DATA_UPLOAD_MAX / (1024 * 1024);

/** Choose a file and a format (or let main detect it), follow the import job, then read its summary. */
export function ImportDialog({ projectId, onImported, onClose }: ImportDialogProps) {
  const t = useT();
  const ids = { file: useId(), format: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<DatasetFormat | 'auto'>('auto');
  const [uploaded, setUploaded] = useState(0);
  const start = useStartImport(projectId);
  const jobId = start.data?.jobId ?? null;
  const progress = useJobProgress(jobId);
  const summary = useFinishedJob(projectId, jobId, progress !== null && progress.state !== 'running');
  const result = summary.data?.importSummary ?? null;
  const tooLarge = file !== null && file.size > DATA_UPLOAD_MAX;
  const busy = start.isPending || (jobId !== null && progress?.state === 'running');

  function close() {
    if (result) onImported(result);
    else onClose();
  }

  return (
    <Dialog title={t('data.import.title')} onClose={busy ? () => undefined : close} wide>
      {result ? (
        <ImportSummaryView projectId={projectId} summary={result} onDone={close} />
      ) : jobId ? (
        <JobProgressView jobId={jobId} progress={progress} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (file && !tooLarge) start.mutate({ file, format: format === 'auto' ? null : format, onUploaded: setUploaded });
          }}
        >
          <p className="hint">{t('data.import.formats')}</p>
          <div className="field-row">
            <div className="field">
              <label htmlFor={ids.file}>{t('import.chooseFile')}</label>
              <input
                id={ids.file}
                type="file"
                accept=".jsonl,.json,.txt,application/json"
                onChange={(event) => {
                  start.reset();
                  setFile(event.target.files?.[0] ?? null);
                }}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.format}>{t('data.import.format')}</label>
              <select id={ids.format} value={format} onChange={(event) => setFormat(event.target.value as DatasetFormat | 'auto')}>
                <option value="auto">{t('data.import.detect')}</option>
                {DATA_IMPORT_FORMATS.map((option) => (
                  <option key={option} value={option}>
                    {t(FORMAT_LABELS[option])}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {tooLarge && (
            <p role="alert" className="error-message">
              {t('import.tooLarge', { max: MAX_MIB })}
            </p>
          )}
          {start.isPending && uploaded > 0 && (
            <p className="hint" role="status">
              {t('data.import.uploading', { mib: (uploaded / (1024 * 1024)).toFixed(1) })}
            </p>
          )}
          <ErrorMessage error={start.error} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose} disabled={start.isPending}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" disabled={!file || tooLarge || start.isPending}>
              {start.isPending ? t('import.reading') : t('data.import.start')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={summary.error} />
    </Dialog>
  );
}

function ImportSummaryView({ projectId, summary, onDone }: { projectId: string; summary: ImportSummary; onDone(): void }) {
  const t = useT();
  const format = summary.format ? t(FORMAT_LABELS[summary.format]) : t('format.unknown');
  return (
    <div className="import-summary">
      <p>{t('data.import.summary', { format, imported: summary.imported, failing: summary.failingChecks })}</p>
      {summary.problems.length > 0 && (
        <>
          <h3>{t('data.import.problems', { count: summary.problems.length })}</h3>
          <ul className="problems line-problems">
            {summary.problems.map((problem, index) => (
              <li key={index} className={`problem problem-${problem.severity}`}>
                <span className="problem-severity">{problem.severity === 'error' ? t('problem.error') : t('problem.warning')}</span>
                <code className="problem-pointer">{problem.line === 0 ? t('data.import.wholeFile') : t('data.import.line', { line: problem.line })}</code>
                <span className="problem-message">{problem.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {summary.missingTools.length > 0 && <MissingTools projectId={projectId} tools={summary.missingTools} />}
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onDone}>
          {t('data.close')}
        </button>
      </div>
    </div>
  );
}
