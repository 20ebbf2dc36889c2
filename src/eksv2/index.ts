export * from './irsa-binding';
