import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addReconcilerStacks } from './reconciler-app.js';

// `npx cdk synth -c regions=us-east-1,eu-west-1 -c alertEmail=…`: see readAppSettings for every context key.
// The repo's app only (not shipped): the one place that runs cdk-nag besides the tests.
const app = new App();
addReconcilerStacks(app);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
