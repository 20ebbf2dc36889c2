export * from './irsa-binding-options';
export * from './irsa-binding-base';
export * from './irsa-binding';
export * from './git-ops-irsa-binding';
export * from './addon-irsa-binding';
export * as eksv2 from './eksv2';
