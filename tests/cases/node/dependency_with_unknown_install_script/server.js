require('weird-native');
