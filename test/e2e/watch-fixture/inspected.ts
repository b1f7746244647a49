/** The inspector test's handler: doubles a number. The test sets its breakpoint on the marked line. */
export const handler = async (event: { value: number }): Promise<{ doubled: number }> => {
  const doubled = event.value * 2;
  if (!Number.isFinite(doubled)) throw new RangeError(`cannot double ${event.value}`); // breakpoint: the inspector test stops here
  return { doubled };
};
