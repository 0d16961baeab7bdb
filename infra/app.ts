import { App } from 'aws-cdk-lib';
import { addReconcilerStacks } from './reconciler-app.js';

// `npx cdk synth -c regions=us-east-1,eu-west-1 -c alertEmail=…`: see readAppSettings for every context key.
const app = new App();
addReconcilerStacks(app);
app.synth();
