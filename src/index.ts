export * from './irsa-binding-options';
export * from './irsa-binding';
