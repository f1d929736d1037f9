import type { DataExport, DataExportFormat } from '../../shared/contract';
import type { Sample } from '../../shared/data/conversation';
import { exportBfcl, exportGlaive, exportLlamaFactory, exportOpenAiJsonl, exportShareGpt, exportXlam, shareGptDatasetInfo } from '../../shared/data/formats';

/** Writes samples in an interchange format, with the companion files the format's tools expect. */
export function exportDataset(samples: readonly Sample[], format: DataExportFormat, baseName: string): DataExport {
  switch (format) {
    case 'openai':
      return { fileName: `${baseName}.openai.jsonl`, text: exportOpenAiJsonl(samples), extraFiles: [] };
    case 'sharegpt': {
      const fileName = `${baseName}.sharegpt.jsonl`;
      return { fileName, text: exportShareGpt(samples), extraFiles: [{ fileName: 'dataset_info.json', text: shareGptDatasetInfo(baseName, fileName) }] };
    }
    case 'llamafactory':
      return { fileName: `${baseName}.llamafactory.jsonl`, text: exportLlamaFactory(samples), extraFiles: [] };
    case 'glaive':
      return { fileName: `${baseName}.glaive.jsonl`, text: exportGlaive(samples), extraFiles: [] };
    case 'xlam':
      return { fileName: `${baseName}.xlam.jsonl`, text: exportXlam(samples), extraFiles: [] };
    case 'bfcl': {
      const { questions, possibleAnswers } = exportBfcl(samples);
      return {
        fileName: `${baseName}.bfcl.jsonl`,
        text: questions,
        extraFiles: [{ fileName: `${baseName}.bfcl.possible_answer.jsonl`, text: possibleAnswers }],
      };
    }
  }
}
