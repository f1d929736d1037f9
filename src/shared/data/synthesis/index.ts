export { Synthesizer, generateSamples, DEFAULT_MIX, type SynthesisOptions } from './synthesizer';
export { DEFAULT_AUGMENTATIONS, type Augmentations } from './augment';
export { starterPhrasing, fillTemplate, type PhrasingSet, type ToolPhrasing, type DependentTemplate, type Language } from './phrasing';
export { DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH } from './demoPhrasings';
export { sampleValue } from './sampleValue';
export { Rng } from './random';
