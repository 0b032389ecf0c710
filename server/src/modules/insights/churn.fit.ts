import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { CHURN_FACTORS, CHURN_FACTOR_LABELS, type ChurnFactor } from '@gantry/shared';

export interface FittedChurn {
  intercept: number;
  coefficients: Array<{ factor: ChurnFactor; coefficient: number; mean: number; std: number }>;
}

const STEPS = 3000;

/**
 * Logistic regression (ml-logistic-regression: batch gradient descent) on standardized factors with
 * a bias column. Its binary classifier for class 0 is trained on "not class 0", i.e. on churned = 1,
 * so its weights are the churn log-odds coefficients directly. The learning rate is 1/n because the
 * library sums (does not average) the gradient over the rows.
 */
export function fitChurn(rows: number[][], labels: Array<0 | 1>): FittedChurn {
  const stats = CHURN_FACTORS.map((_, j) => meanStd(rows.map((r) => r[j]!)));
  const X = new Matrix(rows.map((r) => [1, ...r.map((v, j) => (v - stats[j]!.mean) / stats[j]!.std)]));
  const model = new LogisticRegression({ numSteps: STEPS, learningRate: 1 / rows.length });
  model.train(X, Matrix.columnVector(labels));
  const w = model.classifiers[0]!.weights.to1DArray();
  return {
    intercept: w[0]!,
    coefficients: CHURN_FACTORS.map((factor, j) => ({ factor, coefficient: w[j + 1]!, ...stats[j]! })),
  };
}

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  // A constant factor carries no information: std 1 keeps its standardized value at 0.
  return { mean, std: Math.sqrt(variance) || 1 };
}

/** Probability and each factor's contribution (coefficient × standardized value), largest first. */
export function scoreChurn(model: FittedChurn, row: number[]) {
  const factors = model.coefficients.map((c, j) => {
    const value = row[j]!;
    const contribution = c.coefficient * ((value - c.mean) / c.std);
    return {
      factor: c.factor,
      label: CHURN_FACTOR_LABELS[c.factor],
      value,
      contribution: round(contribution, 4),
    };
  });
  const logit = model.intercept + factors.reduce((s, f) => s + f.contribution, 0);
  const probability = round(1 / (1 + Math.exp(-logit)), 4);
  const ranked = [...factors].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return { probability, factors, topFactors: ranked.slice(0, 3) };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
