import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildShop } from './shop';

const app = new App();
buildShop(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
