declare module 'uk-modulus-checking' {
  /** Modulus check of a UK sort code and account number (the check Bank Wizard makes). */
  export default class UkModulusChecking {
    constructor(args: { accountNumber: string; sortCode: string });
    isValid(): boolean;
  }
}
