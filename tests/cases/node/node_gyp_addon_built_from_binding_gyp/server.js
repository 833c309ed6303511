require('./build/Release/fetch');
