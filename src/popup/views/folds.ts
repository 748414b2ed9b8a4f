/**
 * What the popup draws inside its folds (the guide's steps, the chain, the evidence, the technical
 * details): one module, imported by main.ts once the answer and its action are on screen, so the
 * popup's first script carries only what the first paint needs.
 */
export { chainView, guideView } from './guide';
export { evidenceView, technicalDetails, type DetailsContext } from './details';
