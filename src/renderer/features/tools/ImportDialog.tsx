import { useId, useState } from 'react';
import { IMPORT_TEXT_MAX } from '../../../shared/contract';
import type { ToolImportResult } from '../../../shared/tools/types';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ProblemList } from '../../components/ProblemList';
import { useT } from '../../i18n/I18nProvider';
import { ImportPreviewTable } from './ImportPreviewTable';
import { OperationChooser } from './OperationChooser';
import { NO_OPERATION_FILTER, unselectedOperations, type OperationFilter } from '../../../shared/tools/operationFilter';
import { useCommitImport, usePreviewImport } from './queries';

interface ImportDialogProps {
  projectId: string;
  onImported(count: number): void;
  onClose(): void;
}

interface Source {
  text: string;
  fileName?: string;
}

const MAX_MIB = IMPORT_TEXT_MAX / (1024 * 1024);

function toolsWithErrors(result: ToolImportResult): Set<number> {
  const indices = result.problems
    .filter((problem) => problem.severity === 'error' && problem.toolIndex !== undefined)
    .map((problem) => problem.toolIndex as number);
  return new Set(indices);
}

/**
 * Import in two steps: read a file or pasted text and preview what main makes of it
 * (nothing is saved), then commit the chosen tools. Main parses the text again on commit.
 */
export function ImportDialog({ projectId, onImported, onClose }: ImportDialogProps) {
  const t = useT();
  const fileInputId = useId();
  const pasteId = useId();
  const [pasted, setPasted] = useState('');
  const [source, setSource] = useState<Source | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [excluded, setExcluded] = useState<ReadonlySet<number>>(new Set());
  const [operations, setOperations] = useState<OperationFilter>(NO_OPERATION_FILTER);
  const preview = usePreviewImport(projectId);
  const commit = useCommitImport(projectId);
  const result = preview.data;

  function runPreview(next: Source) {
    commit.reset();
    if (next.text.length > IMPORT_TEXT_MAX) {
      setLocalError(t('import.tooLarge', { max: MAX_MIB }));
      return;
    }
    setLocalError(null);
    setSource(next);
    setOperations(NO_OPERATION_FILTER);
    preview.mutate(next, { onSuccess: (data) => setExcluded(toolsWithErrors(data)) });
  }

  async function readFile(file: File) {
    // Checked before reading: a huge file should not even be loaded into the page.
    if (file.size > IMPORT_TEXT_MAX) {
      setLocalError(t('import.tooLarge', { max: MAX_MIB }));
      return;
    }
    runPreview({ text: await file.text(), fileName: file.name });
  }

  function backToSource() {
    preview.reset();
    setSource(null);
  }

  /** A new choice of operations decides the selection again: the chosen ones without errors. */
  function chooseOperations(filter: OperationFilter) {
    setOperations(filter);
    if (result) setExcluded(new Set([...toolsWithErrors(result), ...unselectedOperations(result.tools, filter)]));
  }

  const documentProblems = result?.problems.filter((problem) => problem.toolIndex === undefined) ?? [];
  const blockedByDocument = documentProblems.some((problem) => problem.severity === 'error');
  const chosenCount = result ? result.tools.length - excluded.size : 0;

  return (
    <Dialog title={t('import.title')} onClose={onClose} wide>
      {!result ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (pasted.trim()) runPreview({ text: pasted });
          }}
        >
          <p className="hint">{t('import.formats')}</p>
          <div className="field">
            <label htmlFor={fileInputId}>{t('import.chooseFile')}</label>
            <input
              id={fileInputId}
              type="file"
              accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) void readFile(file);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={pasteId}>{t('import.orPaste')}</label>
            <textarea id={pasteId} className="code" rows={10} spellCheck={false} value={pasted} onChange={(event) => setPasted(event.target.value)} />
          </div>
          {localError && (
            <p role="alert" className="error-message">
              {localError}
            </p>
          )}
          <ErrorMessage error={preview.error} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" disabled={!pasted.trim() || preview.isPending}>
              {preview.isPending ? t('import.reading') : t('import.preview')}
            </button>
          </div>
        </form>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!source || chosenCount === 0 || blockedByDocument) return;
            commit.mutate(
              { ...source, excludeIndices: [...excluded].sort((a, b) => a - b) },
              { onSuccess: ({ imported }) => onImported(imported.length) },
            );
          }}
        >
          <p>
            {t('import.detected', {
              format: result.format ? t(`format.${result.format}`) : t('format.unknown'),
              count: result.tools.length,
            })}
            {source?.fileName && <span className="hint"> — {source.fileName}</span>}
          </p>
          <ProblemList problems={documentProblems} />
          {result.tools.some((tool) => tool.binding !== undefined) && <OperationChooser tools={result.tools} filter={operations} onChange={chooseOperations} />}
          {result.tools.length > 0 && (
            <ImportPreviewTable result={result} excluded={excluded} onExcludedChange={setExcluded} />
          )}
          <ErrorMessage error={commit.error} />
          <div className="dialog-actions">
            <button type="button" onClick={backToSource}>
              {t('common.back')}
            </button>
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" disabled={chosenCount === 0 || blockedByDocument || commit.isPending}>
              {t('import.commit', { count: chosenCount })}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
