/**
 * A number with its derivatives with respect to a few parameters (forward mode). The QIF closed
 * forms are composed of these local operations, each with its derivative written out below, so
 * a single neuron's spike times come with their exact gradients.
 */
export class Dual {
  constructor(
    readonly value: number,
    /** ∂value/∂p for each parameter p. */
    readonly grad: Float64Array,
  ) {}

  static constant(value: number, parameters: number): Dual {
    return new Dual(value, new Float64Array(parameters));
  }

  /** Parameter `index` of `parameters`, at `value`. */
  static parameter(value: number, index: number, parameters: number): Dual {
    const grad = new Float64Array(parameters);
    grad[index] = 1;
    return new Dual(value, grad);
  }

  /** `f(this)` given `f` and `f'` at this value. */
  private chain(value: number, slope: number): Dual {
    return new Dual(
      value,
      this.grad.map((g) => (g === 0 ? 0 : g * slope)),
    );
  }

  add(other: Dual | number): Dual {
    if (typeof other === 'number') return new Dual(this.value + other, this.grad);
    return new Dual(
      this.value + other.value,
      this.grad.map((g, k) => g + other.grad[k]),
    );
  }

  sub(other: Dual | number): Dual {
    if (typeof other === 'number') return new Dual(this.value - other, this.grad);
    return new Dual(
      this.value - other.value,
      this.grad.map((g, k) => g - other.grad[k]),
    );
  }

  mul(other: Dual | number): Dual {
    if (typeof other === 'number') return this.chain(this.value * other, other);
    const { value } = this;
    return new Dual(
      value * other.value,
      this.grad.map((g, k) => g * other.value + value * other.grad[k]),
    );
  }

  div(other: Dual | number): Dual {
    if (typeof other === 'number') return this.chain(this.value / other, 1 / other);
    const quotient = this.value / other.value;
    return new Dual(
      quotient,
      this.grad.map((g, k) => (g - quotient * other.grad[k]) / other.value),
    );
  }

  neg(): Dual {
    return this.chain(-this.value, -1);
  }

  exp(): Dual {
    const value = Math.exp(this.value);
    return this.chain(value, value);
  }

  log(): Dual {
    return this.chain(Math.log(this.value), 1 / this.value);
  }

  sqrt(): Dual {
    const value = Math.sqrt(this.value);
    return this.chain(value, 0.5 / value);
  }

  tan(): Dual {
    const value = Math.tan(this.value);
    return this.chain(value, 1 + value * value);
  }

  atan(): Dual {
    return this.chain(Math.atan(this.value), 1 / (1 + this.value * this.value));
  }

  tanh(): Dual {
    const value = Math.tanh(this.value);
    return this.chain(value, 1 - value * value);
  }

  atanh(): Dual {
    return this.chain(Math.atanh(this.value), 1 / (1 - this.value * this.value));
  }

  /** `log(1 + e^x)`, stable for large x. */
  softplus(): Dual {
    const x = this.value;
    const value = x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    return this.chain(value, 1 / (1 + Math.exp(-x)));
  }
}
