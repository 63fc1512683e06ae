export { TCNMASK_ENGINE_ID, TCNMASK4_ENGINE_ID, TcnMaskModeError, TcnMaskSeparator, loadProfile } from './engine.ts';
