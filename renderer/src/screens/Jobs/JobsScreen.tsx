// Placeholder until the issue "Jobs in the app" fills it: every job of the connected resource group.
import { Body1, Title2 } from '@fluentui/react-components';

export function JobsScreen() {
  return (
    <section aria-labelledby="jobs-title">
      <Title2 as="h2" id="jobs-title">Jobs</Title2>
      <Body1 as="p">No jobs yet.</Body1>
    </section>
  );
}
