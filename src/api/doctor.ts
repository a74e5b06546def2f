/** Check a whole setup: httpd's cache configuration, the cache on disk, the cleaners scheduled. */

/** Reads httpd's configuration (never running it) and checks the cache end to end. */
export { doctor, type DoctorOptions, type DoctorResult, type Check, type CheckStatus } from '../core/doctor/doctor.js';
