import { render } from 'preact';
import { initAPI } from './api';
import { App } from './app';
import { readConfig } from './config';
import { initRouter } from './router';
import './styles.css';

const cfg = readConfig();
initAPI(cfg);
initRouter(cfg);
render(<App cfg={cfg} />, document.getElementById('root')!);
