// Entry point under construction; see functions/core and functions/store.
export const handler = async (): Promise<void> => {
  throw new Error('not implemented yet');
};
