/**
 * The small AWS sweep every plan test works by hand: 2 architectures x 2 memory sizes x (sequential once +
 * worker_threads and fan_out at 1 and 3 workers), 4 items, 2 to 5 repetitions, 100 ms per item at 1 vCPU.
 */
export const HAND_WORKED_FLAGS = {
  target: 'aws',
  arch: 'x86_64,arm64',
  memory: '1024,3538',
  modes: 'sequential,worker_threads,fan_out',
  workers: '1,3',
  items: '4',
  'min-reps': '2',
  'max-reps': '5',
} as const;

export const HAND_WORKED_CALIBRATION = { msPerItemAtOneVcpu: 100 };
