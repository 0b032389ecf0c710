// ml-logistic-regression 2.0.0 ships no types; this is the part we use (lib/logreg.js).
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    classifiers: Array<{ weights: Matrix; testScores(features: Matrix): number[] }>;
    train(X: Matrix, Y: Matrix): void;
  }
}
