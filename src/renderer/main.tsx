import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './app/ApiProvider';
import { App } from './app/App';
import { UnsavedChangesProvider } from './app/UnsavedChanges';
import { I18nProvider } from './i18n/I18nProvider';
import { connect } from './rpc/connect';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // Main pushes change events, so data stays fresh without refetching on focus.
    queries: { refetchOnWindowFocus: false, retry: 1 },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks <div id="root">.');

createRoot(root).render(
  <StrictMode>
    <ApiProvider connection={connect()}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <UnsavedChangesProvider>
            <App />
          </UnsavedChangesProvider>
        </I18nProvider>
      </QueryClientProvider>
    </ApiProvider>
  </StrictMode>,
);
